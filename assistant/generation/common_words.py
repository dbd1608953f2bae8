"""Words that are never names: English and Hindi closed-class words, the commonest Hindi words.

A name is told across scripts by its consonant skeleton, and short skeletons are shared by common
words: लेकिन ("but") sounds as Lucknow does (l-k-n), कारण ("reason") as Kairana, समाज ("society")
as the Samaj of Bahujan Samaj Party. Devanagari has no capitals to tell them apart, so the words
a reader of Hindi knows are listed: the closed classes whole, and frequent news words (general,
not drawn from any document or claim). English capitalises names, but also its first word:
"Behind closed doors, ..." opens with a preposition, not a name.
"""

from __future__ import annotations

ENGLISH_FUNCTION_WORDS = frozenset(
    "a an the this that these those it its he she they his her their we our us i you your my me "
    "him them on in at of for to by with from after before during according but and or nor so as "
    "if while when where what who whom whose which why how however also there here then thus "
    "hence therefore yet still now today yesterday tomorrow earlier later meanwhile instead "
    "again even only just once both all each every any some many much more most few several "
    "such other another no not never neither either about above across against along among "
    "around behind below beneath beside besides between beyond despite except inside near "
    "outside since through throughout toward towards under unlike until upon within without "
    "although though because unless whether over into onto off out up down".split()
)
FUNCTION_WORDS = frozenset(
    # Postpositions and their forms.
    "का की के को से में पर ने तक लिए लिये साथ बाद पहले बीच द्वारा ओर तरफ़ तरफ बारे अंदर बाहर "
    "ऊपर नीचे पास सामने खिलाफ़ खिलाफ विरुद्ध बिना तहत अनुसार मुताबिक जरिए ज़रिए बजाय सहित समेत "
    "दौरान वाला वाली वाले "
    # Conjunctions and particles.
    "और तथा एवं व या अथवा लेकिन परंतु परन्तु किंतु किन्तु मगर बल्कि जबकि क्योंकि इसलिए अतः "
    "कि यदि अगर तो भी ही तो सिर्फ केवल मात्र भी नहीं नही न ना मत फिर अब तब जब जहां जहाँ "
    "वहां वहाँ यहां यहाँ कब क्यों कैसे क्या कौन कितना कितने कितनी बहुत काफी कुछ सब सभी हर "
    "प्रति लगभग करीब क़रीब करीबन अभी पहले बाद "
    # Auxiliaries and the commonest verb forms.
    "है हैं था थी थे थीं हो होगा होगी होंगे होने होना हुआ हुई हुए हुईं रहा रही रहे रहीं "
    "गया गई गए गयी गये गईं दिया दी दिए दिये दिया लिया ली लिए करना करने करके कर करेगा करेगी "
    "करेंगे करें करता करती करते किया की किए किये कहा कहे कहती कहता कहते कहना बताया बताई "
    "सकता सकती सकते सकेगा चाहिए जाएगा जाएगी जाएंगे जाता जाती जाते जाना जाने रखा रखी रखे "
    "लगा लगी लगे मिला मिली मिले बना बनी बने "
    # Pronouns and their cases.
    "मैं हम आप तुम यह ये वह वे इस उस इन उन इसे उसे इन्हें उन्हें इसने उसने इन्होंने उन्होंने "
    "उन्होने इसके उसके इनके उनके इसकी उसकी इनकी उनकी इसका उसका इनका उनका जो जिस जिन "
    "जिसे जिन्हें जिसने जिन्होंने कोई किसी दोनों खुद स्वयं अपने अपनी अपना".split()
)
COMMON_WORDS = frozenset(
    # Politics and elections.
    "सरकार सरकारी राज्य देश राष्ट्रीय प्रदेश केंद्र केन्द्र चुनाव चुनावी उपचुनाव मतदान वोट वोटों "
    "मत सीट सीटें सीटों दल दलों पार्टी पार्टियों नेता नेताओं नेतृत्व प्रमुख अध्यक्ष मंत्री "
    "मुख्यमंत्री प्रधानमंत्री सांसद विधायक विधायकों सदस्य सदस्यों संगठन कार्यकर्ता कार्यकर्ताओं "
    "पदाधिकारी पदाधिकारियों समर्थन समर्थक विरोध विपक्ष विपक्षी गठबंधन समझौता समझौते बैठक बैठकें "
    "सभा सभाओं समाज सामाजिक जनता लोग लोगों जनसभा रैली प्रचार उम्मीदवार उम्मीदवारों प्रत्याशी "
    "घोषणा बयान आरोप जवाब फैसला फ़ैसला निर्णय रणनीति राजनीति राजनीतिक नीति योजना कमेटी समिति "
    "आयोग अदालत न्यायालय कानून संसद संसदीय विधानसभा लोकसभा राज्यसभा परिणाम नतीजा नतीजे "
    "नतीजों जीत हार हराने हराया जीता जीती जीते जीतने शक्ति ताकत सत्ता शासन प्रशासन "
    "मीडिया पत्रकार रिपोर्ट खबर ख़बर सूत्र सूत्रों प्रवक्ता अधिकारी "
    # Common nouns.
    "कारण वजह समय साल वर्ष महीने महीना दिन दिनों रात सुबह शाम आज कल बात बातें काम कामकाज "
    "तरह तरीका हिस्सा हिस्से भाग संख्या सवाल प्रश्न मुद्दा मुद्दे मामला मामले स्थिति हालत "
    "जगह स्थान क्षेत्र इलाका इलाके गांव गांवों गाँव शहर जिला जिले जिलों देशभर दुनिया "
    "परिवार पिता माता भाई बहन बेटा बेटी पति पत्नी महिला महिलाओं पुरुष युवा युवाओं "
    "विकास विश्वास भरोसा दोस्ती रिश्ता रिश्ते संबंध संबंधों असर प्रभाव फायदा नुकसान "
    "समझ जानकारी तैयारी तैयारियों प्रयास कोशिश जरूरत ज़रूरत इच्छा उम्मीद संभावना आधार "
    "सर्व सब कुल पूरा पूरी पूरे आधा हजारों लाखों करोड़ों "
    # Common verbs and their forms.
    "समझा समझी समझे समझना समझते माना मानी माने मानना मानते देखा देखी देखे देखना देखते "
    "सुना बोला बोली बोले बोलना पूछा चाहा चाहते चाहती चाहता लगाया लगाई लगाए लड़ना लड़ेगी "
    "लड़ेगा लड़ेंगे लड़ा लड़ी चला चली चले चलाया आया आई आए आना आने गए पहुंचा पहुंचे "
    "बढ़ा बढ़ी बढ़े बढ़ाने घटा घटी मिलकर मिलाकर जोड़ा जोड़ने तोड़ा तोड़ने छोड़ा छोड़ने "
    "रोकना रोकने बचाना बचाने बनाना बनाने बनाया बनाई बनाए दिखाया दिखाई निकाला निकाले "
    "उठाया कराया करवाया रहना रहने रहकर "
    # Common adjectives and adverbs.
    "बड़ा बड़ी बड़े छोटा छोटी छोटे नया नई नए नये पुराना पुरानी पुराने अच्छा अच्छी अच्छे "
    "बुरा खराब अहम महत्वपूर्ण जरूरी ज़रूरी मुख्य वरिष्ठ पूर्व वर्तमान अगला अगली अगले "
    "पिछला पिछली पिछले आगे पीछे ज्यादा ज़्यादा कम अधिक अधिकतर लगातार अचानक जल्द "
    "सीधा सीधे साफ स्पष्ट मजबूत कमजोर एकजुट अकेले अकेला अकेली".split()
)
